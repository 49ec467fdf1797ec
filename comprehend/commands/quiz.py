from comprehend.commands._common import not_built

command = not_built("quiz", "Run a team quiz session on this repository's code")
