-- Version 7: a PDF's CreationDate is trusted only when it is at least a day before the
-- first fetch (a file the server generated when asked carries the moment it was asked).
-- Documents stored before that rule kept 'pdf-metadata'; only the date was stored, so a
-- date on or after the day before the first fetch cannot be shown to be earlier and moves
-- to the untrusted 'pdf-metadata-recent'. (Stored '<time>' dates cannot be judged again:
-- the page's HTML is not kept.)
UPDATE documents SET date_source = 'pdf-metadata-recent'
WHERE date_source = 'pdf-metadata'
  AND published >= CAST(first_seen AS DATE) - INTERVAL 1 DAY;
