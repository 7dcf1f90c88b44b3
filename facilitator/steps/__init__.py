"""The method's four steps and the closing, one capability per module: ideas (Step 1),
priorities (Step 2), groups, boards and syntheses (Step 3), synergies and the shared plan
(Step 4), closing; matching finds the synergies' evidence."""
