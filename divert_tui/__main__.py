from divert_tui.cli import main

main(prog_name="divert")
