#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded on
# machines without access to Prisma's binary server. `prisma generate` and
# `prisma validate` only check that this file exists; anything that would
# really run the engine ends here with an explanation.
echo "liveboard: Prisma's schema engine is not installed on this machine, so 'prisma migrate' and 'prisma db' are unavailable." >&2
echo "Apply migrations with 'npm run db:migrate' (it records them in _prisma_migrations exactly as Prisma Migrate does)." >&2
exit 1
