-- Browsing requests: newest first across all of them, and a search by reference without the provider.

CREATE INDEX requests_opened ON requests (opened_at);

CREATE INDEX requests_external_ref ON requests (external_ref);
