// AppleFeedSnapshots: placeholder
