"""govopen: an open-data portal for Chinese government bodies, built on CKAN 2.12."""
