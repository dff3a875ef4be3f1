"""Moving in: import the history of another status page as Sitrep records.

* :mod:`~sitrep.edit.importers.statuspage` reads Atlassian Statuspage data (public
  API files, Manage API exports or the Manage API itself);
* :mod:`~sitrep.edit.importers.cstate` reads a cState ``content/issues/`` folder;
* :mod:`~sitrep.edit.importers.upptime` reads an Upptime repository's ``.upptimerc.yml``
  and its GitHub issues (an export of GitHub CLI's ``gh issue list``, or the REST API);
* :mod:`~sitrep.edit.importers.writing` turns what they read into record files,
  remembers what it wrote (so a re-import adds only what is new and never
  overwrites a record someone has edited since) and flags records that cannot be
  valid instead of dropping or "fixing" them.
"""
