"""The rules of the reformed trajectory (contracts signed from 1 January 2022) and declaration v1.

Amounts and deadlines are DOMAIN.md's [002 L150-183, L261-278]; the declaration lists the seven
shared values [002 L122-147, L376-388]. Languages without a text fall back to Dutch.
"""

import datetime

from django.db import migrations

DECLARATION = {
    "nl": (
        "Verklaring van de essentiële rechten en plichten",
        "Welkom. In onze samenleving gelden gedeelde waarden voor iedereen.\n"
        "1. De machten zijn gescheiden: wie wetten maakt, uitvoert en rechtspreekt, zijn "
        "verschillende mensen.\n"
        "2. De overheid is neutraal en behandelt iedereen op dezelfde manier.\n"
        "3. Vrouwen en mannen zijn gelijk en hebben dezelfde rechten en plichten.\n"
        "4. Kerk en staat zijn gescheiden. Iedereen is vrij om een godsdienst te hebben of niet.\n"
        "5. Niemand mag gediscrimineerd worden.\n"
        "6. Iedereen mag zijn mening zeggen, binnen de wet en met respect voor anderen.\n"
        "7. Iedereen kiest zelf van wie hij of zij houdt. We respecteren seksuele diversiteit.\n"
        "Ik ken deze rechten en plichten en ik respecteer ze.",
    ),
    "en": (
        "Declaration of essential rights and duties",
        "Welcome. In our society, shared values apply to everyone.\n"
        "1. Powers are separated: those who make laws, carry them out and judge are different "
        "people.\n"
        "2. Government is neutral and treats everyone in the same way.\n"
        "3. Women and men are equal and have the same rights and duties.\n"
        "4. Church and state are separate. Everyone is free to have a religion or not.\n"
        "5. Nobody may be discriminated against.\n"
        "6. Everyone may say what they think, within the law and with respect for others.\n"
        "7. Everyone chooses whom they love. We respect sexual diversity.\n"
        "I know these rights and duties and I respect them.",
    ),
    "fr": (
        "Déclaration des droits et devoirs essentiels",
        "Bienvenue. Dans notre société, des valeurs communes s'appliquent à tous.\n"
        "1. Les pouvoirs sont séparés : ceux qui font les lois, les appliquent et jugent sont des "
        "personnes différentes.\n"
        "2. Les pouvoirs publics sont neutres et traitent chacun de la même manière.\n"
        "3. Les femmes et les hommes sont égaux et ont les mêmes droits et devoirs.\n"
        "4. L'Église et l'État sont séparés. Chacun est libre d'avoir une religion ou non.\n"
        "5. Personne ne peut être discriminé.\n"
        "6. Chacun peut dire ce qu'il pense, dans le respect de la loi et des autres.\n"
        "7. Chacun choisit qui il aime. Nous respectons la diversité sexuelle.\n"
        "Je connais ces droits et devoirs et je les respecte.",
    ),
    "ar": (
        "إعلان الحقوق والواجبات الأساسية",
        "أهلاً بك. في مجتمعنا قيم مشتركة تنطبق على الجميع.\n"
        "1. السلطات منفصلة: من يضع القوانين ومن ينفذها ومن يحكم بها أشخاص مختلفون.\n"
        "2. الحكومة محايدة وتعامل الجميع بالطريقة نفسها.\n"
        "3. النساء والرجال متساوون ولهم الحقوق والواجبات نفسها.\n"
        "4. الدين والدولة منفصلان. لكل شخص الحرية في أن يكون له دين أو لا.\n"
        "5. لا يجوز التمييز ضد أي شخص.\n"
        "6. لكل شخص أن يقول رأيه، في حدود القانون ومع احترام الآخرين.\n"
        "7. كل شخص يختار من يحب. نحن نحترم التنوع الجنسي.\n"
        "أنا أعرف هذه الحقوق والواجبات وأحترمها.",
    ),
}


def seed(apps, schema_editor):
    RuleSet = apps.get_model("trajectory", "RuleSet")
    Declaration = apps.get_model("trajectory", "Declaration")
    # Model defaults are the 2022 amounts; the rule set states them explicitly anyway.
    RuleSet.objects.get_or_create(effective_from=datetime.date(2022, 1, 1))
    fields = {"title": DECLARATION["nl"][0], "text": DECLARATION["nl"][1]}
    for language, (title, text) in DECLARATION.items():
        fields[f"title_{language}"] = title
        fields[f"text_{language}"] = text
    Declaration.objects.get_or_create(
        version=1, defaults={"effective_from": datetime.date(2022, 1, 1), **fields}
    )


class Migration(migrations.Migration):
    dependencies = [("trajectory", "0001_contract_facts_and_rule_sets")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
