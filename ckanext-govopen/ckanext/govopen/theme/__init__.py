"""govopen theme: header, footer and home page of the portal (templates/,
assets/, public/). Wired by the core ``govopen`` plugin."""
