"""Cross-cutting pieces every domain uses: database, tenancy scope, errors, i18n, access, mail."""
