"""Service layers: WMS/WMTS images and WFS/OGC API Features data from partners' map services

``layers.service_json`` holds what a service layer asks and where (gis.ows.Service); NULL for a
layer read from a file. On PostgreSQL the server checks it as the app does (gis.ows.check_service):
a known kind, a plain http(s) address without a user name or password, a layer, a refresh
interval from the offered list, and WMTS tiles from the service's own host. A user inserts it
with the layer and can never change it afterwards (no UPDATE privilege on the column): another
address would make everyone who sees the layer ask another server.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

KINDS = ('wms', 'wmts', 'wfs', 'oapif')
REFRESH_CHOICES = (0, 30, 60, 300, 900, 3600)
# scheme://host[:port] with no user information, then a path and query without spaces.
URL = r'^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(/[^\s#]*)?$'
HOST = r'^https?://([^/?#:]+)'

CHECK = f"""
CREATE FUNCTION paragon_service_ok(s jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_typeof(s) = 'object'
       AND s ->> 'kind' IN {KINDS!r}
       AND coalesce(s ->> 'url', '') ~ '{URL}'
       AND length(coalesce(s ->> 'layer', '')) BETWEEN 1 AND 500
       AND jsonb_typeof(s -> 'refresh_s') = 'number' AND s ->> 'refresh_s' ~ '^[0-9]+$'
       AND (s ->> 'refresh_s')::numeric IN {REFRESH_CHOICES!r}
       AND (s ->> 'kind' <> 'wmts'
            OR (coalesce(s ->> 'template', '') ~ '{URL}'
                AND lower(substring(s ->> 'template' FROM '{HOST}'))
                    = lower(substring(s ->> 'url' FROM '{HOST}'))))
$$;
"""


def upgrade() -> None:
    op.add_column('layers', sa.Column('service_json', sa.Text(), nullable=True))
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(CHECK)
    op.execute("ALTER TABLE layers ADD CONSTRAINT ck_layers_service CHECK "
               "(service_json IS NULL OR paragon_service_ok(service_json::jsonb))")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE layers DROP CONSTRAINT ck_layers_service")
        op.execute("DROP FUNCTION paragon_service_ok(jsonb)")
    op.drop_column('layers', 'service_json')
