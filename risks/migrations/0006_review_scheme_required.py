from django.db import migrations, models
import django.db.models.deletion

import risks.models


class Migration(migrations.Migration):
    dependencies = [("risks", "0005_reviews_keep_their_scheme")]
    operations = [
        migrations.AlterField(
            model_name="historicalriskreview",
            name="scheme",
            field=models.ForeignKey(blank=True, db_constraint=False, default=risks.models.active_scheme_id, null=True,
                                    on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                    to="risks.scoringscheme"),
        ),
        migrations.AlterField(
            model_name="riskreview",
            name="scheme",
            field=models.ForeignKey(default=risks.models.active_scheme_id,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="reviews",
                                    to="risks.scoringscheme"),
        ),
    ]
