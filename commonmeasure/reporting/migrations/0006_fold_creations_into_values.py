"""Move the audit trail's creation events of stored values onto the values themselves.

Before: every new value wrote a ValueChange row with an empty old value. After: a value's
creation is recorded on its DataValue row (created_at, created_by, created_channel, and the
first value and comment once it has changed), and ValueChange keeps changes, deletions and the
creations of values since deleted (docs/reference/audit-trail.md). Survey changes, stored as
"srvy" while the channel held four characters, become "survey".

For each stored value the newest creation row of its (report, indicator, combination) is its
own creation (a deletion removes the row, a new value makes a newer creation row); that row is
folded into the value and deleted. The history pages show the same events before and after.
"""

from django.db import migrations

BATCH = 2000


def _key(row):
    return (row.submission_id, row.indicator_id, row.disaggregation_id)


def fold(apps, schema_editor):
    ValueChange = apps.get_model("reporting", "ValueChange")
    DataValue = apps.get_model("reporting", "DataValue")
    ValueChange.objects.filter(channel="srvy").update(channel="survey")
    creations = {}  # key -> newest creation row
    changed = set()  # keys with a change after their newest creation
    for change in ValueChange.objects.order_by("id").iterator(chunk_size=BATCH):
        key = _key(change)
        if change.old_value is None and change.new_value is not None:
            creations[key] = change
            changed.discard(key)
        elif key in creations:
            changed.add(key)
    if not creations:
        return
    folded, done = [], []
    fields = [
        "created_at",
        "created_by_id",
        "created_channel",
        "created_value",
        "created_comment",
    ]
    for value in DataValue.objects.filter(created_at__isnull=True).order_by("id").iterator(
        chunk_size=BATCH
    ):
        key = _key(value)
        creation = creations.get(key)
        if creation is None:
            continue  # stored before the audit trail: no creation event to fold
        value.created_at = creation.changed_at
        value.created_by_id = creation.changed_by_id
        value.created_channel = creation.channel
        if key in changed or value.value != creation.new_value or value.comment != creation.comment:
            value.created_value = creation.new_value
            value.created_comment = creation.comment
        folded.append(value)
        done.append(creation.id)
        if len(folded) >= BATCH:
            DataValue.objects.bulk_update(folded, fields)
            ValueChange.objects.filter(id__in=done).delete()
            folded, done = [], []
    if folded:
        DataValue.objects.bulk_update(folded, fields)
        ValueChange.objects.filter(id__in=done).delete()


def unfold(apps, schema_editor):
    ValueChange = apps.get_model("reporting", "ValueChange")
    DataValue = apps.get_model("reporting", "DataValue")
    rows = []
    for value in DataValue.objects.filter(created_at__isnull=False).order_by("id").iterator(
        chunk_size=BATCH
    ):
        rows.append(
            ValueChange(
                initiative_id=value.initiative_id,
                submission_id=value.submission_id,
                indicator_id=value.indicator_id,
                disaggregation_id=value.disaggregation_id,
                old_value=None,
                new_value=value.value if value.created_value is None else value.created_value,
                comment=value.comment if value.created_comment is None else value.created_comment,
                channel="srvy" if value.created_channel == "survey" else value.created_channel,
                changed_at=value.created_at,
                changed_by_id=value.created_by_id,
            )
        )
        if len(rows) >= BATCH:
            ValueChange.objects.bulk_create(rows)
            rows = []
    if rows:
        ValueChange.objects.bulk_create(rows)
    ValueChange.objects.filter(channel="survey").update(channel="srvy")


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_value_creation_on_row"),
    ]

    operations = [migrations.RunPython(fold, unfold)]
