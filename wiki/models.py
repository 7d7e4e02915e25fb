"""Knowledge and training pages (Wagtail); the page types come with the wiki issue."""
