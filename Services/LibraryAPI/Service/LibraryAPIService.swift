// LibraryAPIService: the LibraryAPI service's routes and workers (filled in by its issue).
