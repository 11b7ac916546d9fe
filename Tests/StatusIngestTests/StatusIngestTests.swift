// StatusIngest tests arrive with the StatusIngest issue.
