// LibraryAPI tests arrive with the LibraryAPI issue.
