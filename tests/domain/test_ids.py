from commonmeasure.domain.ids import runs


def test_runs_split_consecutive_ids_from_scattered_ones():
    ids = [3, 7, *range(100, 160), 161, *range(200, 249)]
    found, scattered = runs(ids)
    assert found == [(100, 159)]
    assert scattered == [3, 7, 161, *range(200, 249)]


def test_edges():
    assert runs([]) == ([], [])
    assert runs(list(range(1, 51))) == ([(1, 50)], [])
    assert runs(list(range(1, 50))) == ([], list(range(1, 50)))
    assert runs([1, 2, 3], at_least=2) == ([(1, 3)], [])
