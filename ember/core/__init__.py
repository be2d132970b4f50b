"""The core: DNDarray, dtypes, devices, distribution arithmetic and NumPy-like functions."""

from .arithmetic import *
from .arithmetic import __all__ as _arithmetic_all
from .array_api_info import __array_namespace_info__
from .bitwise import *
from .bitwise import __all__ as _bitwise_all
from .classification import *
from .classification import __all__ as _classification_all
from .comparison import *
from .comparison import __all__ as _comparison_all
from .complex_math import *
from .complex_math import __all__ as _complex_math_all
from .covariance import *
from .covariance import __all__ as _covariance_all
from .creation import *
from .creation import __all__ as _creation_all
from .devices import Device, cpu, get_device, gpu_available, use_device
from .diagonals import *
from .diagonals import __all__ as _diagonals_all
from .dndarray import DNDarray
from .dtypes import *
from .dtypes import __all__ as _dtypes_all
from .exponential import *
from .exponential import __all__ as _exponential_all
from .histograms import *
from .histograms import __all__ as _histograms_all
from .indexing import *
from .indexing import __all__ as _indexing_all
from .joining import *
from .joining import __all__ as _joining_all
from .nan_reduction import *
from .nan_reduction import __all__ as _nan_reduction_all
from .padding import *
from .padding import __all__ as _padding_all
from .printing import get_printoptions, print0, printoptions, set_printoptions
from .products import *
from .products import __all__ as _products_all
from .ranges import *
from .ranges import __all__ as _ranges_all
from .rearranging import *
from .rearranging import __all__ as _rearranging_all
from .reduction import *
from .reduction import __all__ as _reduction_all
from .reshaping import *
from .reshaping import __all__ as _reshaping_all
from .rounding import *
from .rounding import __all__ as _rounding_all
from .scan import *
from .scan import __all__ as _scan_all
from .searching import *
from .searching import __all__ as _searching_all
from .selection import *
from .selection import __all__ as _selection_all
from .sets import *
from .sets import __all__ as _sets_all
from .shaping import *
from .shaping import __all__ as _shaping_all
from .sorting import *
from .sorting import __all__ as _sorting_all
from .splitting import *
from .splitting import __all__ as _splitting_all
from .statistics import *
from .statistics import __all__ as _statistics_all
from .taking import *
from .taking import __all__ as _taking_all
from .trigonometric import *
from .trigonometric import __all__ as _trigonometric_all
from .validation import AxisError

__all__ = [
    "DNDarray",
    "Device",
    "AxisError",
    "cpu",
    "get_device",
    "use_device",
    "gpu_available",
    "get_printoptions",
    "set_printoptions",
    "printoptions",
    "print0",
    "__array_namespace_info__",
    *_creation_all,
    *_arithmetic_all,
    *_comparison_all,
    *_bitwise_all,
    *_selection_all,
    *_trigonometric_all,
    *_rounding_all,
    *_exponential_all,
    *_complex_math_all,
    *_classification_all,
    *_reduction_all,
    *_covariance_all,
    *_histograms_all,
    *_statistics_all,
    *_nan_reduction_all,
    *_scan_all,
    *_ranges_all,
    *_dtypes_all,
    *_products_all,
    *_taking_all,
    *_padding_all,
    *_reshaping_all,
    *_splitting_all,
    *_diagonals_all,
    *_indexing_all,
    *_joining_all,
    *_rearranging_all,
    *_searching_all,
    *_sets_all,
    *_shaping_all,
    *_sorting_all,
]
