"""The action plan: its content read from the database (content), laid out as HTML and
PDF (pdf, drawings), rendered outside the server and kept per edition (render)."""
