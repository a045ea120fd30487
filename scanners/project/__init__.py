"""What a repository declares and defines: its files, manifests, import roots, aliases.

Built once per scan, before any rule runs, and shared by every rule (`RepoContext`).
These are facts about the repository, not judgements: the rules read them, and
this package never imports the rules.
"""
