"""Stage 0 — core: what every stage may use and that uses no stage: problems as data and the one exception
base (`problems`), text hygiene and the markers that shield a value (`textnorm`), Vietnamese numbers and
dates (`formatting`), the closed vocabularies (`vocab`), local government as data (`localgov`), operating-
system errors in words (`oserrors`), how to name a command in a hint (`hints`), the package's own files
(`packaged`), the fingerprint of the code (`fingerprint`), the user's cache (`usercache`), deterministic zip
writing (`zips`).
"""
