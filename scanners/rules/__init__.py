"""Our own rules for the AI failure taxonomy."""
