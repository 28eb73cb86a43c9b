"""Extraction of the MIC case collections 自治体DX推進参考事例集 (第2.0版 and 第4.0版)."""
