from comprehend.commands._common import not_built

command = not_built("blame", "Show who wrote each line of a file, human or AI, and the evidence")
