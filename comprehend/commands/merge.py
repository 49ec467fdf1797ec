from comprehend.commands._common import not_built

command = not_built("merge", "Merge sharded check results into one verdict")
