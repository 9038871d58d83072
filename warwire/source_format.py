# Temporary shim for corpus writers started before the move (removed before commit).
import sys

from warwire.corpus.source_format import main

sys.exit(main(sys.argv[1:]))
