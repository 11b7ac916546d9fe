// TestSupport module (placeholder until implemented).
