"""Chat rooms and messages; the models come with the chat issue."""
