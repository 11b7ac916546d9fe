// StatusIngestService: the StatusIngest service's routes and workers (filled in by its issue).
