// Database module (placeholder until implemented).
