from comprehend.commands._common import not_built

command = not_built("scan", "Summarize a repository: files, languages, symbols, edges, AI share")
