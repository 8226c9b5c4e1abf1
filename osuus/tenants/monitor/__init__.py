"""The entrepreneur-status monitor (Unemployment Security Act 1290/2002 ch. 1 § 6), computed from the register."""
