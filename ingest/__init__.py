"""Reading review bundles from the files reviewers keep, and writing them to a store."""
