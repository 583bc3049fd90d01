import Model
import YAML
