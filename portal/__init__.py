"""The portal: pages that gather every app (the home page, the audit trail across the registers)."""
