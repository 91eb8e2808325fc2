"""The scanner: runs the deployed rule classes outside Lambda (engine, one scan, clients, targets,
snapshots, collectors that build Config-shaped CIs)."""
