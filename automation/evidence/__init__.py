"""What a run keeps and what it never lets out: the per-request trace and screenshot, the
artifacts folder, and the masking of personal data and secrets."""
