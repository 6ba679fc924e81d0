"""One router per kind of question the API answers."""
