"""The members service's public shapes (pydantic), one module per area; the codes are in `enums.py`."""
