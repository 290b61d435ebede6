-- entity_key(canonical, label): a stable content hash of an entity (first 20 hex digits
-- of md5(lower(canonical) || chr(31) || label)); the same entity gets the same key in
-- every run and every warehouse, and 'Treasury' / 'treasury' share one. Files whose name
-- starts with an underscore define helpers (macros), not views, and run first.
CREATE OR REPLACE MACRO entity_key(canonical, label) AS
    substr(md5(lower(canonical) || chr(31) || label), 1, 20);
