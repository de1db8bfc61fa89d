"""A case name in the language of the one who started the case

The name is generated from category, type and location (DOMAIN.md, Cases); until now always in
Dutch, and the shared server refused any other form. A case now keeps the language its name is
written in (``cases.name_language``: nl, fr or en, set when the case starts and never changed by
a user: the app role gets no UPDATE on the column), and the server checks the name in that
language. The words a name holds (categories and Paragon's case types) are given here as the
catalogues had them when this migration was written; a later change of those words needs a new
migration (tests/unit/test_case_name_language.py compares them with the catalogues).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

LANGUAGES = ('nl', 'fr', 'en')

# Dutch word (as stored, and as the catalogues' msgid) -> the word in a French / English name.
TERMS = {
    'fr': {
        'Incident': 'Incident', 'Evenement': 'Événement', 'Oefening': 'Exercice',
        'Andere': 'Autre', 'Betoging': 'Manifestation', 'Brand': 'Incendie',
        'Concert of festival': 'Concert ou festival', 'Cyberincident': 'Cyberincident',
        'Drinkwaterincident': "Incident d'eau potable", 'Explosie': 'Explosion',
        'Gaslek': 'Fuite de gaz', 'Hittegolf': 'Vague de chaleur',
        'Lek gevaarlijke stoffen': 'Fuite de substances dangereuses',
        'Luchtvaartongeval': 'Accident aérien', 'Markt of kermis': 'Marché ou foire',
        'Nucleair of radiologisch incident': 'Incident nucléaire ou radiologique',
        'Officieel bezoek': 'Visite officielle', 'Openbare orde': 'Ordre public',
        'Overstroming': 'Inondation', 'Scheepvaartongeval': 'Accident maritime',
        'Sportevenement': 'Événement sportif', 'Stoet of optocht': 'Cortège ou défilé',
        'Storm': 'Tempête', 'Stroomuitval': "Panne d'électricité",
        'Terroristische dreiging': 'Menace terroriste', 'Treinongeval': 'Accident ferroviaire',
        'Verkeersongeval': 'Accident de la route', 'Vermiste persoon': 'Personne disparue',
        'Volksgezondheid': 'Santé publique',
    },
    'en': {
        'Incident': 'Incident', 'Evenement': 'Event', 'Oefening': 'Exercise',
        'Andere': 'Other', 'Betoging': 'Demonstration', 'Brand': 'Fire',
        'Concert of festival': 'Concert or festival', 'Cyberincident': 'Cyber incident',
        'Drinkwaterincident': 'Drinking water incident', 'Explosie': 'Explosion',
        'Gaslek': 'Gas leak', 'Hittegolf': 'Heatwave',
        'Lek gevaarlijke stoffen': 'Hazardous substance leak',
        'Luchtvaartongeval': 'Aviation accident', 'Markt of kermis': 'Market or fair',
        'Nucleair of radiologisch incident': 'Nuclear or radiological incident',
        'Officieel bezoek': 'Official visit', 'Openbare orde': 'Public order',
        'Overstroming': 'Flood', 'Scheepvaartongeval': 'Shipping accident',
        'Sportevenement': 'Sports event', 'Stoet of optocht': 'Procession or parade',
        'Storm': 'Storm', 'Stroomuitval': 'Power cut',
        'Terroristische dreiging': 'Terrorist threat', 'Treinongeval': 'Train accident',
        'Verkeersongeval': 'Road accident', 'Vermiste persoon': 'Missing person',
        'Volksgezondheid': 'Public health',
    },
}

OLD_CALL = ('paragon_case_name(NEW.category, NEW.case_type,\n'
            '                                                   NEW.location_name, NEW.name_suffix)')
NEW_CALL = ('paragon_case_name(NEW.category, NEW.case_type,\n'
            '                                                   NEW.location_name, NEW.name_suffix,'
            ' NEW.name_language)')


def _check_cases_0006() -> str:
    """0006's paragon_check_cases() (a released migration's text never changes)."""
    path = Path(__file__).with_name('0006_server_write_path.py')
    spec = importlib.util.spec_from_file_location('paragon_migration_0006', path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = re.search(r'CREATE FUNCTION paragon_check_cases\(\).*?END \$\$;', module.FUNCTIONS,
                      re.DOTALL)
    assert found is not None and found.group(0).count(OLD_CALL) == 1
    return found.group(0)


def _postgresql() -> None:
    op.execute("ALTER TABLE cases ADD CONSTRAINT ck_cases_name_language "
               f"CHECK (name_language IN {LANGUAGES!r})")
    terms = json.dumps(TERMS, ensure_ascii=False).replace("'", "''")
    op.execute(f"""
        CREATE FUNCTION paragon_name_term(term text, lang text) RETURNS text
        LANGUAGE sql IMMUTABLE AS $$
            SELECT coalesce('{terms}'::jsonb -> lang ->> term, term)
        $$""")
    # domain.cases.generate_case_name
    op.execute("""
        CREATE FUNCTION paragon_case_name(category text, case_type text, location text,
                                          suffix text, lang text)
        RETURNS text LANGUAGE sql IMMUTABLE AS $$
            SELECT concat_ws(' - ',
                             paragon_name_term(CASE category WHEN 'incident' THEN 'Incident'
                                                             WHEN 'event' THEN 'Evenement'
                                                             WHEN 'exercise' THEN 'Oefening' END,
                                               lang),
                             paragon_name_term(btrim(case_type), lang), btrim(location),
                             nullif(btrim(suffix), ''))
        $$""")
    op.execute(_check_cases_0006().replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION', 1)
               .replace(OLD_CALL, NEW_CALL))
    op.execute("DROP FUNCTION paragon_case_name(text, text, text, text)")
    # Called inside the owner's checks only, like the other functions of 0006.
    for signature in ('paragon_name_term(text, text)',
                      'paragon_case_name(text, text, text, text, text)'):
        op.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")


def upgrade() -> None:
    op.add_column('cases', sa.Column('name_language', sa.String(length=2), nullable=False,
                                     server_default='nl'))
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql()


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        raise NotImplementedError(
            "Migration 0008 is not undone on PostgreSQL: restore a backup taken before it.")
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('name_language')
