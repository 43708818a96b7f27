"""The long-running daemon: one asyncio process supervising every guest."""
