"""Human-readable reports built from assessments (pure: text in, text out)."""
