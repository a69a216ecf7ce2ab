"""The interactive terminal app (Textual): imported only by `ar-cli work`."""
