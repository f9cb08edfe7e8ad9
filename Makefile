.PHONY: setup sample test test-all fuzz scans

setup:
	@bash scripts/setup.sh

# Run the pipeline on the sample scans in scans/ and write output/.
sample: setup
	.venv/bin/ocr-pipeline run scans/ --out output/

# The test suite CI runs (.ci/run).
test: setup
	.venv/bin/python -m pytest -q

# Everything, including the slow corpus tests.
test-all: setup
	.venv/bin/python -m pytest -q --runslow

# The property tests with many fresh random examples each (parsers, names, catalogue).
fuzz: setup
	.venv/bin/python -m pytest -q --hypothesis-profile=explore -m "not slow" tests/test_values.py tests/test_catalogue.py

# Re-create the sample scans in scans/ from the truth files (deterministic).
scans: setup
	.venv/bin/python -m ocr_pipeline.simulate samples --out scans/
