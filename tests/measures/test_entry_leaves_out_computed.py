"""Formula and composite indicators are computed, so reporters never enter them."""

from commonmeasure.reporting.template_spec import build_spec
from commonmeasure.web.grid import reported_indicators


def test_the_data_entry_grid_and_the_spreadsheet_template_leave_out_computed_indicators(towns):
    p1 = towns.organisations.get(code="p1")
    grid_codes = [i.code for i in reported_indicators(towns)]
    template_codes = {line.indicator.code for line in build_spec(towns, p1, ["2024-03"]).lines}
    reported = {"people", "visits", "started", "sustained", "satisfaction"}
    assert set(grid_codes) == reported and template_codes == reported
    assert "sustain_rate" in set(towns.indicators.values_list("code", flat=True))
