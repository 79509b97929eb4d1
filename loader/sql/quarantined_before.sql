-- Records of these sources already quarantined, by location and text.
select source, location, cityHash64(raw_text)
from {{ db }}.quarantine
where network = {network:String} and has({sources:Array(String)}, source)
