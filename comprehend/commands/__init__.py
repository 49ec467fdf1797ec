"""One module per command; each defines `command`, a click.Command. Commands parse options,
call the core, render and pick the exit code: they compute nothing themselves."""
