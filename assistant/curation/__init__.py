"""Staff curation of the knowledge base: forms over the YAML files, the stale list, insights.

The YAML files stay the storage and stay hand-editable: ``yaml_edit`` changes only the lines
of what was edited; every write goes through ``index.editing`` (validation with the whole
corpus, atomic write, indexing, audit journal, rollback) via ``Assistant.save_corpus_file``.
"""
