"""The demo: a deliberately flawed sample project and the code that turns it into a git repository."""
