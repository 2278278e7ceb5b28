"""Every row of the authorization matrix: the core rows and those of the other row modules."""

from tests.authz.matrix import CORE_ROWS, Row
from tests.authz.matrix_gateway import GATEWAY_ROWS
from tests.authz.matrix_lifecycle import LIFECYCLE_ROWS
from tests.authz.matrix_own import OWN_ROWS

ROWS: list[Row] = [*CORE_ROWS, *GATEWAY_ROWS, *(Row(**row) for row in LIFECYCLE_ROWS), *OWN_ROWS]
