def test_standard_cast_has_two_initiatives(cast):
    assert cast.alpha.participations.count() == 2
    assert cast.beta.participations.count() == 1


def test_import_then_query_gives_the_sum(cast, import_csv):
    from commonmeasure.measures.selectors import query

    text = (
        "organisation,indicator,period,value\norg-a,enrolled,2024-01,10\norg-b,enrolled,2024-01,5\n"
    )
    result = import_csv(cast.alpha, text, approve=True, user=cast.backbone)
    assert result.errors == [] and result.imported == 2
    ind = cast.alpha.indicators.get(code="enrolled")
    assert query(cast.alpha, ind, "period") == [{"key": "2024-01", "value": 15}]
