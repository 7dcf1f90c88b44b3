// The participant's phone: where the room is and what to do now.
import { LiveClient, showConnection, showStage } from "./live.js";

const client = new LiveClient({ onState: showStage, onStatus: showConnection });
window.facilitatorClient = client;
